import { render } from 'solid-js/web'
import { App } from './app/App.tsx'
import './app/app.css'

const root = document.getElementById('app')
if (root === null) throw new Error('index.html has no #app element')
render(() => <App />, root)
