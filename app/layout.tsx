import type { Metadata, Viewport } from 'next';
import { THEME_SCRIPT } from './ui/theme-script';
import './globals.css';

export const metadata: Metadata = {
  title: 'WebCompile — run code in your browser',
  description:
    'Type a program in one of 14 languages, press Run, see the output. Each run gets its own throw-away sandbox.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Applies a stored theme choice before the first paint, so a dark page never flashes white. */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
