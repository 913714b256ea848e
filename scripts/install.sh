#!/bin/sh
# Install requirements into a virtual environment: scripts/install.sh VENV ARG...
# (ARG as pip takes them: -e ".[test]").
#
# With uv where it installs (it downloads and unpacks wheels in parallel, which
# on a fresh machine is most of `make test`'s set-up time), else with pip. uv
# does not read pip's configuration, so the parts of it that choose which
# wheels are installed are passed on: find-links (a folder of local wheels, such
# as a CPU build of PyTorch) and constraint files. Extra index URLs are not:
# the package index is the same for both.
set -eu
venv=$1
shift
py=$venv/bin/python

if [ ! -x "$venv/bin/uv" ]; then
    "$py" -m pip install --quiet "uv>=0.4,<1" >/dev/null 2>&1 || true
fi
if [ ! -x "$venv/bin/uv" ]; then
    exec "$py" -m pip install --quiet "$@"
fi

pip_setting() {  # the environment's value, else pip's configuration files'
    env_value=$(printenv "PIP_$(echo "$1" | tr 'a-z-' 'A-Z_')" || true)
    if [ -n "$env_value" ]; then echo "$env_value"; else "$py" -m pip config get "global.$1" 2>/dev/null || true; fi
}
options=""
for folder in $(pip_setting find-links); do
    [ -e "$folder" ] && options="$options --find-links $folder"
done
for file in $(pip_setting constraint); do
    [ -f "$file" ] && options="$options --constraint $file"
done
# $options is word-split on purpose: paths from pip's settings hold no spaces there either.
# --compile-bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set (CI machines), nothing else
# writes the .pyc files, and every process would compile TensorFlow's sources again on import.
# shellcheck disable=SC2086
exec "$venv/bin/uv" pip install --quiet --compile-bytecode --python "$py" $options "$@"
