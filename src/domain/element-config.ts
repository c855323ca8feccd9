// A host's Element Web config.json: its homeserver as the default server, the customer's look and
// feel (brand, home and welcome pages, logo and welcome background), and, with calls on, Element
// Call: the build Element Web carries itself (no URL), for every call, on the MatrixRTC focus the
// host's client well-known names.

export interface LookAndFeel {
  brand: string | null;
  homeUrl: string | null;
  welcomeUrl: string | null;
  logoUrl: string | null;
  welcomeBackgroundUrl: string | null;
}

export const noLookAndFeel: LookAndFeel = { brand: null, homeUrl: null, welcomeUrl: null, logoUrl: null, welcomeBackgroundUrl: null };

export interface ElementConfigInput {
  /** The client-server base URL of the host. */
  homeserverUrl: string;
  serverName: string;
  lookAndFeel: LookAndFeel;
  /** Whether the host's users have calls (the installation's and the host's switch). */
  calls: boolean;
}

/** Element Web's settings for group calls through its embedded Element Call. */
const elementCallSettings = {
  features: { feature_group_calls: true, feature_video_rooms: true, feature_element_call_video_rooms: true },
  // Every call, one-to-one ones too, goes through Element Call (never the legacy WebRTC or Jitsi).
  element_call: { use_exclusively: true },
};

/** Only what is set is written, so Element Web keeps its own defaults for the rest. */
export function renderElementConfig(input: ElementConfigInput): Record<string, unknown> {
  const { lookAndFeel } = input;
  const embeddedPages = {
    ...(lookAndFeel.homeUrl ? { home_url: lookAndFeel.homeUrl } : {}),
    ...(lookAndFeel.welcomeUrl ? { welcome_url: lookAndFeel.welcomeUrl } : {}),
  };
  const branding = {
    ...(lookAndFeel.logoUrl ? { auth_header_logo_url: lookAndFeel.logoUrl } : {}),
    ...(lookAndFeel.welcomeBackgroundUrl ? { welcome_background_url: lookAndFeel.welcomeBackgroundUrl } : {}),
  };
  return {
    default_server_config: {
      'm.homeserver': { base_url: input.homeserverUrl.replace(/\/$/, ''), server_name: input.serverName },
    },
    // The host's own server only: its users have no reason to type another homeserver.
    disable_custom_urls: true,
    brand: lookAndFeel.brand ?? 'Element',
    ...(Object.keys(embeddedPages).length > 0 ? { embedded_pages: embeddedPages } : {}),
    ...(Object.keys(branding).length > 0 ? { branding } : {}),
    ...(input.calls ? elementCallSettings : {}),
  };
}
