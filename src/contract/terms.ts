// A published version of the terms and conditions, as the API shows it.
import { Type } from 'typebox';

export const Terms = Type.Object({ version: Type.String(), text: Type.String(), publishedAt: Type.String({ format: 'date-time' }) });
