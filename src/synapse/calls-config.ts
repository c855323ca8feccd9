// What homeserver.yaml needs for MatrixRTC calls (Synapse 1.163): delayed events (MSC4140, on
// once max_event_delay_duration is set), their rate limit, sync's state_after (MSC4222, still
// experimental) and the RTC transports endpoint (MSC4143, experimental).
export interface CallsInput {
  /** The token service clients ask for LiveKit tokens (`livekit_service_url`). */
  serviceUrl: string;
}

/** How long a client's "I left" event may wait to be sent for it when it vanishes. */
const maxEventDelay = '24h';

export function callsSettings(calls: CallsInput | null): Record<string, unknown> {
  if (!calls) return {};
  return {
    max_event_delay_duration: maxEventDelay,
    // Clients restart their delayed leave event every few seconds during a call.
    rc_delayed_event_mgmt: { per_second: 1, burst_count: 20 },
    experimental_features: { msc4222_enabled: true, msc4143_enabled: true },
    matrix_rtc: { transports: [{ type: 'livekit', livekit_service_url: calls.serviceUrl }] },
  };
}
