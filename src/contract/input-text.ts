// What every string a request carries may contain, and the bounds of the numbers the store keeps.
// src/api/input-schemas.ts applies these to every route's request schemas.
import { Type, type TStringOptions } from 'typebox';

/**
 * Characters no request string may hold: NUL and the other C0/C1 controls (PostgreSQL refuses
 * NUL; the others garble logs, mails and rendered files) and the bidirectional overrides and
 * isolates that make text read differently from what it is (U+202E). Line breaks and tabs are
 * allowed in multi-line text only. Lone UTF-16 surrogates, which have no UTF-8 form, are refused
 * by src/api/input-schemas.ts instead: a pattern naming them is one Schemathesis cannot read.
 */
const alwaysRefused = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';

/** One line of text: names, brands, labels, URLs, tokens. Ajv and Schemathesis read it the same way (Unicode mode). */
export const singleLinePattern = `^[^${alwaysRefused}\\u0009\\u000A\\u000D\\u2028\\u2029]*$`;

/** Text that may span lines (the terms), with tabs. */
export const multiLinePattern = `^[^${alwaysRefused}]*$`;

/** A string that may span lines; any other request string is held to one line. */
export const MultiLineText = (options: TStringOptions & { maxLength: number }) => Type.String({ ...options, pattern: multiLinePattern });

/** The range of a PostgreSQL `integer` column (and of Synapse's integer columns). */
export const int4Min = -2_147_483_648;
export const int4Max = 2_147_483_647;

/** The largest id of a PostgreSQL `bigserial` column that JSON numbers still hold exactly. */
export const bigserialMax = Number.MAX_SAFE_INTEGER;
