/** The language files agree: every key exists in every language, with the same placeholders and markup. */
import { describe, expect, it } from 'vitest';
import { LANGUAGES, RESOURCES } from './index';
import { leaves, placeholders } from './keys';

describe('language files', () => {
  const namespaces = Object.keys(RESOURCES.en) as (keyof (typeof RESOURCES)['en'])[];
  for (const ns of namespaces) {
    const en = leaves(RESOURCES.en[ns]);
    for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
      const other = leaves(RESOURCES[lang][ns]);
      it(`${lang}/${ns}.json has exactly the keys of en/${ns}.json`, () => {
        expect([...other.keys()].filter((k) => !en.has(k)), `keys only in ${lang}/${ns}.json`).toEqual([]);
        expect([...en.keys()].filter((k) => !other.has(k)), `keys missing from ${lang}/${ns}.json`).toEqual([]);
      });
      it(`${lang}/${ns}.json keeps every placeholder and tag of the English text`, () => {
        const bad = [...en].filter(([k, v]) => other.has(k) && placeholders(v).join() !== placeholders(other.get(k)!).join());
        expect(bad.map(([k, v]) => `${k}: en ${placeholders(v).join(',')} vs ${lang} ${placeholders(other.get(k)!).join(',')}`)).toEqual([]);
      });
      it(`${lang}/${ns}.json translates: no empty text`, () => {
        expect([...other].filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([]);
      });
    }
  }

  it('the placeholder reader sees names and tags', () => {
    expect(placeholders('Unsaved <strong>{{name}}</strong> from {{ when }}')).toEqual(['<strong>', '<strong>', 'name', 'when']);
  });
});
