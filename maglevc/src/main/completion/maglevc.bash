# bash completion for maglevc: keywords and live names come from maglevc itself
# (maglevc --complete WORDS... PREFIX asks the same command tree the shell uses).
_maglevc() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local -a flags=() words=()
  local i=1
  while [ "$i" -lt "$COMP_CWORD" ]; do
    local w=${COMP_WORDS[i]}
    if [ ${#words[@]} -eq 0 ] && [[ $w == -* ]]; then
      flags+=("$w")
      if [[ $w == --server || $w == -server || $w == --timeout || $w == -timeout ]] \
        && [ $((i + 1)) -lt "$COMP_CWORD" ]; then
        i=$((i + 1)); flags+=("${COMP_WORDS[i]}")
      fi
    else
      words+=("$w")
    fi
    i=$((i + 1))
  done
  if [ ${#words[@]} -eq 0 ] && [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--server --timeout --color --json --version --help" -- "$cur"))
    return
  fi
  local IFS=$'\n'
  COMPREPLY=($(maglevc "${flags[@]}" --complete "${words[@]}" "$cur" 2>/dev/null))
}
complete -F _maglevc maglevc
