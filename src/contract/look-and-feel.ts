// A host's client look and feel as the API shows and takes it, with the validator's findings.
import { Type } from 'typebox';

const OptionalUrl = (description: string) => Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], { description: `${description}; an https URL, null clears it` }));

export const LookAndFeelBody = Type.Object({
  brand: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()], { description: 'The name the client shows (Element by default)' })),
  homeUrl: OptionalUrl('The page shown on the client\'s home screen'),
  welcomeUrl: OptionalUrl('The page shown before sign-in; must link to #/login and #/register'),
  logoUrl: OptionalUrl('The logo above the sign-in form'),
  welcomeBackgroundUrl: OptionalUrl('The background image of the sign-in screens'),
}, { additionalProperties: false, minProperties: 1, description: 'Fields left out keep their value' });

const Value = Type.Union([Type.String(), Type.Null()]);

export const LookAndFeelFindingSchema = Type.Object({
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  code: Type.String(),
  field: Type.String(),
  message: Type.String(),
  fix: Type.String(),
});

export const LookAndFeelView = Type.Object({
  brand: Value,
  homeUrl: Value,
  welcomeUrl: Value,
  logoUrl: Value,
  welcomeBackgroundUrl: Value,
  clientUrl: Type.String({ description: 'Where the host\'s Element Web is served' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const SavedLookAndFeel = Type.Object({
  lookAndFeel: LookAndFeelView,
  findings: Type.Array(LookAndFeelFindingSchema, { description: 'What the validator saw; saved anyway' }),
});
