// How a host's stored look and feel becomes the API's view of it.
import type { Static } from 'typebox';
import type { LookAndFeelView } from '../../contract/look-and-feel.ts';
import type { HostLookAndFeel } from '../../jobs/commands/look-and-feel.ts';

export function lookAndFeelView(value: HostLookAndFeel, clientUrl: string): Static<typeof LookAndFeelView> {
  return { ...value.lookAndFeel, clientUrl, updatedAt: value.updatedAt ? value.updatedAt.toISOString() : null };
}
