"""Tests of the notebooks: parameters (no kernel), explorer widgets, golden run, nbval, re-runs."""
