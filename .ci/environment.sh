# Sourced by .ci/build-site and .ci/test: create (or reuse) the virtual environment .venv
# with python3 (>= 3.11), install the pinned requirements into it (again only when they or
# pyproject.toml changed), and put it first on the PATH. Which file: $REQUIREMENTS, by
# default requirements.txt (the book); .ci/test sets requirements-test.txt (the book and
# the test tools, at the same versions).
REQUIREMENTS=${REQUIREMENTS:-requirements.txt}
if [ ! -x .venv/bin/python ]; then
    python3 -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
        || { echo "error: python3 >= 3.11 is needed" >&2; exit 1; }
    echo "creating .venv with $(python3 --version)"
    python3 -m venv .venv
fi
digest() { cat "$1" pyproject.toml | sha256sum | cut -d' ' -f1; }
stamp=.venv/.momentum-requirements
installed=$(cat "$stamp" 2>/dev/null)
# A .venv made for the tests holds every pin of requirements.txt: it serves the book too.
if [ "$installed" != "$(digest "$REQUIREMENTS")" ] \
    && [ "$installed" != "$(digest requirements-test.txt)" ]; then
    echo "installing $REQUIREMENTS into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    digest "$REQUIREMENTS" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"

# Strict nbval compares printed numbers to the last digit, and NumPy and OpenBLAS choose
# their code paths by CPU: their AVX-512 paths round differently from the AVX2 paths the
# stored outputs were computed with (seen on an AMD EPYC with AVX-512: chapters 4, 7, 8
# and 11 differed; a run of gradient descent at the edge of stability printed 2.4e-02 for
# 1.9e-01). On an x86-64 CPU with AVX2, the book's scripts and tests use the AVX2 paths:
# OpenBLAS's Haswell kernels, and NumPy without its AVX-512 targets (names NumPy does not
# know are ignored). Set either variable to choose otherwise.
if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
    export NPY_DISABLE_CPU_FEATURES=${NPY_DISABLE_CPU_FEATURES:-"X86_V4 AVX512_ICL AVX512_SPR"}
fi
