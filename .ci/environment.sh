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
stamp=.venv/.momentum-requirements
wanted=$(cat "$REQUIREMENTS" pyproject.toml | sha256sum | cut -d' ' -f1)
# requirements-test.txt holds every pin of requirements.txt: a .venv made for the tests
# serves the book build as it is.
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] \
    && ! { [ "$REQUIREMENTS" = requirements.txt ] && [ "$(cat "$stamp" 2>/dev/null)" = \
        "$(cat requirements-test.txt pyproject.toml | sha256sum | cut -d' ' -f1)" ]; }; then
    echo "installing $REQUIREMENTS into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$wanted" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
