/** A dot that becomes a heart while a probe of the backend is in flight; fixed size, no jiggle. */
export function ProbeHeartbeat(props: { beating: boolean }) {
  return (
    <span class="heartbeat" aria-label={props.beating ? 'probing' : 'idle'}>
      {props.beating ? '❤️' : '·'}
    </span>
  );
}
