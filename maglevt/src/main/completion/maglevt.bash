# bash completion for maglevt: its flags, files after --config, the types after --type NAME=.
_maglevt() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    --config|-config) COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --interval|-interval|--timeout|-timeout|--duration|-duration) COMPREPLY=($(compgen -W "100ms 250ms 500ms 1s 2s 5s 10s 30s 1m" -- "$cur")); return ;;
    --host|-host|--uri|-uri|--path|-path|--header|-header|--filter|-filter|--min-ok|-min-ok|--type|-type) return ;;
  esac
  COMPREPLY=($(compgen -W "--config --interval --timeout --host --uri --path --header --insecure --keepalive --filter --type --once --duration --json --json-probes --min-ok --self-test --version --help" -- "$cur"))
}
complete -F _maglevt maglevt
