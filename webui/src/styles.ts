/** Styles shared by the pages: panels, tables, forms, states. */
import { css } from 'lit';

/** The common look; each component adds its own rules after it. */
export const shared = css`
  :host { display: block; color: var(--hl-fg); }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
  a { color: var(--hl-accent); }
  .panel { background: var(--hl-panel); border: 1px solid var(--hl-border); border-radius: 8px; padding: .9rem 1rem; box-shadow: var(--hl-shadow); min-width: 0; }
  .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); }
  .row { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; }
  .muted { color: var(--hl-muted); }
  .state { padding: 1rem; color: var(--hl-muted); }
  .state.error { color: var(--hl-bad); }
  .skeleton { height: 1rem; border-radius: 4px; background: linear-gradient(90deg, var(--hl-border), transparent, var(--hl-border)); background-size: 200% 100%; animation: shimmer 1.2s infinite; margin: .4rem 0; }
  @keyframes shimmer { to { background-position: -200% 0; } }
  @media (prefers-reduced-motion: reduce) { .skeleton { animation: none; } }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--hl-border); vertical-align: top; }
  th { color: var(--hl-muted); font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .table-wrap { overflow-x: auto; }
  input, select, textarea, button { font: inherit; color: var(--hl-fg); background: var(--hl-input); border: 1px solid var(--hl-border); border-radius: 6px; padding: .35rem .6rem; }
  button { cursor: pointer; background: var(--hl-panel); }
  button.primary { background: var(--hl-accent); color: #fff; border-color: var(--hl-accent); }
  :focus-visible { outline: 2px solid var(--hl-accent); outline-offset: 2px; }
  .badge { display: inline-block; border-radius: 999px; padding: .05rem .55rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
  .ok { color: var(--hl-ok); }
  .bad { color: var(--hl-bad); }
  .warn { color: var(--hl-warn); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
`;
