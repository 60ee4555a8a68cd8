#!/usr/bin/env bash
# Prints the home of a JDK whose major version is >= $JAVA_VERSION (default 21):
# $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm. Prints
# nothing if there is none.
set -u
want=${JAVA_VERSION:-21}

# The major version of a JDK home, from `java -version` ("17.0.15", "21",
# "25.0.1", "1.8.0_402" and "25-ea" all occur).
major() {
  local v
  v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  [ -n "$v" ] || return 1
  case $v in 1.*) v=${v#1.} ;; esac
  v=${v%%[.+_-]*}
  [[ $v =~ ^[0-9]+$ ]] || return 1
  echo "$v"
}

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
  m=$(major "$JAVA_HOME") && [ "$m" -ge "$want" ] && { echo "$JAVA_HOME"; exit 0; }
fi
best= bestm=0
for d in /usr/lib/jvm/*/; do
  d=${d%/}
  [ -L "$d" ] && continue
  [ -x "$d/bin/javac" ] || continue
  m=$(major "$d") || continue
  if [ "$m" -ge "$want" ] && [ "$m" -gt "$bestm" ]; then best=$d bestm=$m; fi
done
[ -n "$best" ] && echo "$best"
exit 0
