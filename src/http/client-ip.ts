/** How the app learns the client address; index.ts supplies Bun's socket address (or Fly's proxy header). */
export type ClientIpResolver = (request: Request) => string;

/**
 * Behind Fly's proxy the socket address is the proxy's; Fly sets `Fly-Client-IP` and strips a
 * client-supplied one, so it is trusted only when the service is told it runs there.
 */
export function flyAwareClientIp(socketIp: (request: Request) => string | undefined, behindFlyProxy: boolean): ClientIpResolver {
  return (request) => (behindFlyProxy ? request.headers.get("fly-client-ip") : null) ?? socketIp(request) ?? "unknown";
}
