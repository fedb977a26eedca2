#!/usr/bin/env bash
# Checks the include graph of server/: every quoted #include names its folder
# ("store/db.h"), a file includes only its own layer or a lower one, and no module (a
# .c with its .h) reaches itself through includes. The layers, lowest first:
#   base     configuration, logging, buffers, encodings, cursors: needs nothing else
#   domain   pure rules and math, and input parsing into domain values
#   store    the only code that talks SQL (db.c: the pool and units of work)
#   jobs     background tasks over the stores
#   http     the transport: daemon, framing, bodies, replies, problems, metrics
#   api      handlers: HTTP <-> domain, calling stores
#   dispatch route table, authentication, rate limits, idempotency: calls handlers
#   main     server/main.c, which wires the transport to the dispatcher
# Exits 1 with one line per violation. Usage: scripts/check_layers.sh
set -euo pipefail
cd "$(dirname "$0")/../server"
order="base domain store jobs http api dispatch main"
rank() { local i=0 l; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
while IFS= read -r file; do
  dir=$(dirname "$file")
  layer=${dir#./}
  [ "$layer" = "." ] && layer=main
  from=$(rank "$layer")
  if [ "$from" -lt 0 ]; then
    echo "$file: folder $layer is not a layer ($order)"; bad=1; continue
  fi
  mod=${file#./}
  mod=${mod%.*}
  while IFS= read -r inc; do
    case "$inc" in
      embedded_ids.h) continue ;; # generated at build time beside embedded.c
      */*) ;;
      *) echo "$file: #include \"$inc\" names no layer folder"; bad=1; continue ;;
    esac
    to=$(rank "${inc%%/*}")
    if [ "$to" -lt 0 ] || [ ! -f "$inc" ]; then
      echo "$file: #include \"$inc\": no such header in server/"; bad=1; continue
    fi
    if [ "$to" -gt "$from" ]; then
      echo "$file ($layer) includes $inc: a higher layer"; bad=1
    fi
    [ "${inc%.h}" != "$mod" ] && echo "$mod ${inc%.h}" >>"$edges"
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find . -name '*.[ch]' | sort)
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
  echo "include cycle among modules:"; grep -v 'input contains a loop' "$edges.err" | sed 's/^tsort: /  /'
  bad=1
fi
rm -f "$edges.err"
[ "$bad" = 0 ] && echo "layers: $(find . -name '*.[ch]' | wc -l) files, one-way includes, no cycle"
exit $bad
