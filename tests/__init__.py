"""The test suite, laid out like the package: one folder ("room") per part of ``ctxh_plan``.

``io``, ``data``, ``rebase``, ``evaluate``, ``forecast``, ``targets``, ``present``, ``reports``, ``tracking``,
``batch`` follow the package's folders; ``commands`` runs the CLI verbs; ``notebooks`` the notebooks'
parameters and runs; ``core`` the import graph, the environment, ``tasks.py`` and ``import ctxh_plan``;
``reliability`` the bad-input corpora, fuzzing, privacy and interruption. ``helpers`` holds code shared by
the rooms and ``fixtures`` the input files made for the tests. Every folder is a package, so two rooms may
hold modules of the same name; markers and groups are described in docs/TESTING.md.
"""
