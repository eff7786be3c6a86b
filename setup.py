"""Packaging beyond what pyproject.toml can say: configs/ stays at the repository root (the
Makefile, the docs and the tests name it there) and ships inside the package as
pipeline/configs, so ``pipeline.CONFIG_DIR`` resolves in a checkout and in a wheel."""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["pipeline*"]) + ["pipeline.configs"],
      package_dir={"pipeline.configs": "configs"})
