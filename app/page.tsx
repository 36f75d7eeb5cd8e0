export default function Home() {
  return <main>WebCompile</main>;
}
