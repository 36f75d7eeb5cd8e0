import { Playground } from './ui/playground';

export default function Home() {
  return <Playground />;
}
