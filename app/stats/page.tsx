import type { Metadata } from 'next';
import { StatsView } from './stats-view';

export const metadata: Metadata = { title: 'WebCompile — stats' };

export default function StatsPage() {
  return <StatsView />;
}
