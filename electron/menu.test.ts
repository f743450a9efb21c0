import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../contract/host-contract';
import { buildMenuTemplate } from './menu';

function build(platform: string, recentFiles: string[] = []) {
  const sent: Array<[MenuCommand, string | undefined]> = [];
  const template = buildMenuTemplate({ platform, appName: 'LayerLoom', recentFiles, send: (c, p) => void sent.push([c, p]), clearRecent: () => undefined, dev: false });
  return { template, sent };
}

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = Array.isArray(item.submenu) ? find(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

describe('native menus', () => {
  it.each([
    ['linux', ['&File', '&Edit', '&View', undefined]],
    ['win32', ['&File', '&Edit', '&View', undefined]],
    ['darwin', ['LayerLoom', '&File', '&Edit', '&View', undefined, undefined]],
  ])('%s has the standard top-level menus', (platform, labels) => {
    expect(build(platform).template.map((m) => m.label)).toEqual(labels);
  });

  it.each([
    ['New Design', 'new', 'CmdOrCtrl+N'],
    ['Open…', 'open', 'CmdOrCtrl+O'],
    ['Save', 'save', 'CmdOrCtrl+S'],
    ['Save As…', 'saveAs', 'Shift+CmdOrCtrl+S'],
    ['Undo', 'undo', 'CmdOrCtrl+Z'],
    ['Redo', 'redo', 'Ctrl+Y'],
    ['Fit View', 'fitView', 'Shift+1'],
  ])('%s sends %s to the renderer (%s)', (label, command, accelerator) => {
    const { template, sent } = build('linux');
    const item = find(template, label);
    expect(item?.accelerator).toBe(accelerator);
    (item?.click as (() => void) | undefined)?.();
    expect(sent).toEqual([[command, undefined]]);
  });

  it('lists recent files and opens one with its path', () => {
    const { template, sent } = build('linux', ['/a.json', '/b.json']);
    (find(template, '/b.json')?.click as (() => void) | undefined)?.();
    expect(sent).toEqual([['openRecent', '/b.json']]);
    expect(find(build('linux').template, 'No Recent Files')?.enabled).toBe(false);
  });

  it('uses the macOS redo shortcut on macOS', () => {
    expect(find(build('darwin').template, 'Redo')?.accelerator).toBe('Shift+Cmd+Z');
  });
});
