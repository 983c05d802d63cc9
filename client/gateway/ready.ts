/** The line the gateway prints once it listens: scripts and tests wait for it (and read its URLs from it). */
export const GATEWAY_READY = 'approvals gateway listening on';
