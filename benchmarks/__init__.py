"""Reproducible benchmarks (see benchmarks/README.md); a package so that `benchmarks.thirdparty` can be
imported (`from benchmarks.thirdparty import load_docs`). The scripts still run as plain files."""
