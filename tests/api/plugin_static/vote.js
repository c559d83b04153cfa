customElements.define("caja-vote", class extends HTMLElement {});
