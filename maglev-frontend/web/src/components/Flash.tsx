import { createEffect, on, type JSX } from 'solid-js';

/**
 * Shows a value and makes it pop with a yellow halo when it changes, never when it first
 * appears: a change on a wall screen must be seen, a page load must be calm.
 */
export function Flash(props: { value: string | number; children?: JSX.Element }) {
  let el: HTMLSpanElement | undefined;
  createEffect(
    on(
      () => props.value,
      () => {
        el?.animate(
          [
            { transform: 'scale(1.35)', boxShadow: '0 0 0 4px rgb(250 204 21 / 80%)', background: 'rgb(250 204 21 / 45%)' },
            { transform: 'scale(1)', boxShadow: '0 0 0 0 rgb(250 204 21 / 0%)', background: 'transparent' },
          ],
          { duration: 1600, easing: 'ease-out' },
        );
      },
      { defer: true },
    ),
  );
  return (
    <span ref={el} class="flash">
      {props.children ?? props.value}
    </span>
  );
}
