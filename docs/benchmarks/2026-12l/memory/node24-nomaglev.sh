#!/bin/sh
exec /work/main/.cache/node-24/bin/node --no-maglev "$@"
