import type { PeakSetting } from '../streams/peak-mode.ts';

/** What the console shows in its body. */
export type View = 'overview' | 'deadLetters' | 'exceptions' | 'shops';
export const VIEWS: readonly View[] = ['overview', 'deadLetters', 'exceptions', 'shops'];

/** Something the console does to the pipeline, always after the operator confirmed it. */
export type ConsoleAction =
  | { kind: 'setPeak'; setting: PeakSetting }
  | { kind: 'replay'; seq: number }
  | { kind: 'retry'; orderId: string; type: string; detail: string };

/** A question on the bottom line, waiting for its key. */
export type Prompt = { kind: 'peak' } | { kind: 'confirm'; question: string; action: ConsoleAction };

export interface UiState {
  view: View;
  help: boolean;
  /** Row selected in the list of the current view. */
  selected: number;
  /** The selected row is shown in full. */
  inspecting: boolean;
  filter: string;
  /** Keys go into the filter until enter or esc. */
  editingFilter: boolean;
  prompt: Prompt | null;
}

export const INITIAL_UI: UiState = { view: 'overview', help: false, selected: 0, inspecting: false, filter: '', editingFilter: false, prompt: null };

/** The keys as the help overlay lists them; `onKey` does exactly these. */
export const KEYS: readonly { keys: string; does: string }[] = [
  { keys: 'q', does: 'quit (the terminal is restored)' },
  { keys: '?', does: 'this help; any key closes it' },
  { keys: 'tab / shift-tab, ← →', does: 'next / previous view: overview, dead letters, exceptions, shops' },
  { keys: '↑ ↓', does: 'move the selection in a list' },
  { keys: 'enter', does: 'inspect the selected dead letter or exception (again to close)' },
  { keys: 'd', does: 'dead letters view' },
  { keys: 'e', does: 'exceptions view' },
  { keys: 's', does: 'shops view: each shop account\'s connector, and the shops to re-authorise' },
  { keys: 'o', does: 'overview' },
  { keys: 'p', does: 'peak mode: choose on, off or auto, then confirm' },
  { keys: 'r', does: 'replay the selected dead letter / retry the selected exception (asks first)' },
  { keys: '/', does: 'filter stages or rows by text; enter keeps it, esc clears it' },
  { keys: 'esc', does: 'close what is open (inspect, prompt, filter)' },
];

/** The subset of Ink's key flags the console uses. */
export interface KeyPress {
  tab?: boolean;
  shift?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

/** What the current view's selected row allows: the action `r` proposes, or why none. */
export type RowAction = { action: ConsoleAction; question: string } | { refused: string } | undefined;

export interface KeyContext {
  /** Rows in the current view's (filtered) list. */
  rows: number;
  /** What `r` would do to the selected row. */
  rowAction: RowAction;
}

export type KeyEffect = { kind: 'quit' } | { kind: 'act'; action: ConsoleAction } | { kind: 'say'; text: string };

const PEAK_CHOICES: Record<string, PeakSetting> = { o: 'on', f: 'off', a: 'auto' };

/**
 * The console's keys as a pure function of the screen's state: the next state and, when a key
 * asks for it, an effect (quit, a confirmed action, a message) for the shell to carry out.
 *
 * @example
 * onKey(INITIAL_UI, 'd', {}, { rows: 0, rowAction: undefined }).state.view // 'deadLetters'
 */
export function onKey(ui: UiState, input: string, key: KeyPress, ctx: KeyContext): { state: UiState; effect?: KeyEffect } {
  if (ui.prompt) {
    if (ui.prompt.kind === 'peak') {
      const setting = PEAK_CHOICES[input];
      if (setting) return { state: { ...ui, prompt: { kind: 'confirm', question: `set peak mode ${setting}?`, action: { kind: 'setPeak', setting } } } };
      return { state: { ...ui, prompt: null }, effect: { kind: 'say', text: 'peak mode unchanged' } };
    }
    if (input === 'y') return { state: { ...ui, prompt: null }, effect: { kind: 'act', action: ui.prompt.action } };
    return { state: { ...ui, prompt: null }, effect: { kind: 'say', text: 'cancelled' } };
  }
  if (ui.help) return { state: { ...ui, help: false } };
  if (ui.editingFilter) {
    if (key.escape) return { state: { ...ui, editingFilter: false, filter: '', selected: 0 } };
    if (key.return) return { state: { ...ui, editingFilter: false } };
    if (key.backspace || key.delete) return { state: { ...ui, filter: ui.filter.slice(0, -1), selected: 0 } };
    if (input && !key.ctrl && !key.tab && !key.upArrow && !key.downArrow) return { state: { ...ui, filter: ui.filter + input, selected: 0 } };
    return { state: ui };
  }
  const go = (view: View): UiState => ({ ...ui, view, selected: 0, inspecting: false });
  const step = (by: number): UiState => go(VIEWS[(VIEWS.indexOf(ui.view) + by + VIEWS.length) % VIEWS.length]!);
  if (input === 'q') return { state: ui, effect: { kind: 'quit' } };
  if (input === '?') return { state: { ...ui, help: true } };
  if (key.tab) return { state: step(key.shift ? -1 : 1) };
  if (key.rightArrow) return { state: step(1) };
  if (key.leftArrow) return { state: step(-1) };
  if (input === 'd') return { state: go('deadLetters') };
  if (input === 'e') return { state: go('exceptions') };
  if (input === 's') return { state: go('shops') };
  if (input === 'o') return { state: go('overview') };
  if (input === 'p') return { state: { ...ui, prompt: { kind: 'peak' } } };
  if (input === '/') return { state: { ...ui, editingFilter: true } };
  if (key.escape) return { state: { ...ui, inspecting: false, filter: '' } };
  if (key.upArrow) return { state: { ...ui, selected: Math.max(0, ui.selected - 1) } };
  if (key.downArrow) return { state: { ...ui, selected: Math.max(0, Math.min(ctx.rows - 1, ui.selected + 1)) } };
  if (key.return && ui.view !== 'overview' && ui.view !== 'shops' && ctx.rows > 0) return { state: { ...ui, inspecting: !ui.inspecting } };
  if (input === 'r' && ui.view !== 'overview' && ui.view !== 'shops') {
    const row = ctx.rowAction;
    if (!row) return { state: ui, effect: { kind: 'say', text: 'nothing selected' } };
    if ('refused' in row) return { state: ui, effect: { kind: 'say', text: row.refused } };
    return { state: { ...ui, prompt: { kind: 'confirm', question: row.question, action: row.action } } };
  }
  return { state: ui };
}
