import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, invokedCommand } from './command-index.ts';

describe('command index', () => {
  it('lists each command with the name, term and description its module defines', async () => {
    const help = new Help();
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: entry.name, term: entry.term, description: entry.description }).toEqual({
        name: command.name(),
        term: help.subcommandTerm(command),
        description: command.description(),
      });
    }
  }, 60_000);

  it('finds the command to load past global options and help', () => {
    expect(invokedCommand(['--tz', 'UTC', 'order', 'show', 'shop:1'])).toBe('order');
    expect(invokedCommand(['--tz=UTC', 'status', '--help'])).toBe('status');
    expect(invokedCommand(['help', 'kpi'])).toBe('kpi');
    expect(invokedCommand(['--help'])).toBeUndefined();
    expect(invokedCommand([])).toBeUndefined();
  });
});
