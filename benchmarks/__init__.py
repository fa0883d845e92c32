"""Lodestone's benchmark: synthetic data at scale and the figures against the database's floor.

Run with `python manage.py bench` (see docs/benchmarks.md). Not part of the product: the app
only carries the management command, its data generator and its measurements.
"""
