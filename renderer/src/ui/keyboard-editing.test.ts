import { describe, expect, it } from 'vitest';
import { keyIntent, type KeyPlace } from './keyboard-editing';

const press = (key: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });
const canvas: KeyPlace = { typing: false, control: false, inInspector: false };
const button: KeyPlace = { typing: false, control: true, inInspector: false };
const field: KeyPlace = { typing: true, control: false, inInspector: true };
const menuItem: KeyPlace = { typing: false, control: true, inInspector: false, arrowsOwned: true };

describe('keyboard-editing keys', () => {
  it.each([
    ['/', canvas, { kind: 'quickAdd' }],
    [' ', canvas, { kind: 'quickAdd' }],
    [' ', button, null], // Space presses the focused button
    ['/', button, { kind: 'quickAdd' }],
    ['ArrowUp', canvas, { kind: 'move', direction: 'up' }],
    ['ArrowRight', button, { kind: 'move', direction: 'right' }],
    ['ArrowDown', menuItem, null], // a menu's arrows move among its items
    ['/', menuItem, { kind: 'quickAdd' }],
    ['Enter', canvas, { kind: 'editParam' }],
    ['Enter', button, null],
    ['Escape', field, { kind: 'leaveField' }],
    ['Escape', canvas, { kind: 'scopeUp' }],
    ['ArrowDown', field, null], // keys typed in a field are the field's
    ['/', field, null],
    ['a', canvas, null],
  ] as const)('%j on %j -> %j', (key, place, intent) => {
    expect(keyIntent(press(key), place)).toEqual(intent);
  });

  it('leaves modified keys to the other shortcuts', () => {
    expect(keyIntent(press('ArrowUp', { shiftKey: true }), canvas)).toBeNull();
    expect(keyIntent(press('/', { ctrlKey: true }), canvas)).toBeNull();
    expect(keyIntent(press('Enter', { metaKey: true }), canvas)).toBeNull();
    expect(keyIntent(press('Escape'), { typing: true, control: false, inInspector: false })).toBeNull();
  });
});
