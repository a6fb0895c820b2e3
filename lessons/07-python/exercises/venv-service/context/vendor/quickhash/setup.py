# The C part needs a compiler and Python's headers (Python.h) to build: gcc and python3-dev.
# Once built, the extension is one .so file that needs neither.
from setuptools import Extension, setup

setup(
    package_dir={"": "src"},
    packages=["quickhash"],
    ext_modules=[Extension("quickhash._fnv", ["ext/fnv.c"])],
)
