"""Tests of ctxh_plan.targets: milestones, proposals, projection, rate uncertainty."""
