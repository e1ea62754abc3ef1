"""Tests of the CLI verbs (ctxh_plan.commands) run on the embedded dataset and the bad-file corpus."""
