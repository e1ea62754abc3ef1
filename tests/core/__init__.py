"""Tests of the project as a whole: import graph, cheap import, environment files, tasks.py look."""
