export function PresentPage() {
  return <main>Big screen</main>;
}
