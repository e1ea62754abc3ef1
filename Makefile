# Thin wrappers over tasks.py (which needs only Python 3.11).
.PHONY: setup run test bench clean-outputs

setup:
	python3 tasks.py setup

run:
	python3 tasks.py run

test:
	python3 tasks.py test

bench:
	.venv/bin/python benchmarks/run_all.py

clean-outputs:
	find outputs -mindepth 1 -not -name .gitkeep -delete
