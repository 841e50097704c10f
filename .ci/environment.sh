# Sourced by .ci/build-site and .ci/test: create (or reuse) the virtual environment .venv
# with python3 (>= 3.11), install requirements.txt into it (again only when
# requirements.txt or pyproject.toml changed), and put it first on the PATH.
if [ ! -x .venv/bin/python ]; then
    python3 -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
        || { echo "error: python3 >= 3.11 is needed" >&2; exit 1; }
    echo "creating .venv with $(python3 --version)"
    python3 -m venv .venv
fi
stamp=.venv/.momentum-requirements
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "installing requirements.txt into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$wanted" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
