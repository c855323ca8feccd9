// A country picker: every ISO 3166-1 country by its name in the reader's language, the code underneath.
import { useMemo, type SelectHTMLAttributes } from 'react';
import type { ApiProblem } from './api-client.ts';
import { SelectField } from './forms.tsx';

/** Codes ICU names that are not countries (the server's rule too): unknown region, unions, pseudo-locales. */
const notCountries = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB']);
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

interface Country {
  code: string;
  name: string;
}

/** ICU answers the code itself for codes it does not know; every other two-letter code is a country. */
function countries(locale: string): Country[] {
  const probe = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const names = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' });
  const found: Country[] = [];
  for (const first of letters) {
    for (const second of letters) {
      const code = first + second;
      if (notCountries.has(code) || probe.of(code) === code) continue;
      found.push({ code, name: names.of(code) ?? code });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name, locale));
}

interface CountrySelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> {
  label: string;
  name: string;
  value: string;
  onChange(code: string): void;
  problem?: ApiProblem | undefined;
  apiField?: string;
}

export function CountrySelect({ label, name, value, onChange, problem, apiField, ...select }: CountrySelectProps) {
  const locale = typeof navigator === 'undefined' ? 'en' : navigator.language;
  const list = useMemo(() => countries(locale), [locale]);
  return (
    <SelectField label={label} name={name} problem={problem} apiField={apiField} value={value} onChange={(event) => onChange(event.target.value)} {...select}>
      <option value="">Choose a country</option>
      {list.map((country) => <option key={country.code} value={country.code}>{country.name} ({country.code})</option>)}
    </SelectField>
  );
}

/** A country's name in the reader's language, for addresses shown back ("DE" → "Germany"). */
export function countryName(code: string): string {
  const locale = typeof navigator === 'undefined' ? 'en' : navigator.language;
  return new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' }).of(code) ?? code;
}
