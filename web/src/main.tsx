import { render } from 'solid-js/web'

function App() {
  return (
    <main>
      <h1>Causette</h1>
    </main>
  )
}

const root = document.getElementById('app')
if (root === null) throw new Error('index.html has no #app element')
render(() => <App />, root)
