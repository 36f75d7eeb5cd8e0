/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native-ish server packages stay outside the route bundles.
  serverExternalPackages: ['dockerode', 'pino', 'prom-client', 'tar-stream', 'ssh2', 'cpu-features'],
  poweredByHeader: false,
  reactStrictMode: true,
  // The seed's endpoint keeps working for old clients.
  async rewrites() {
    return [{ source: '/compile', destination: '/api/compile' }];
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
