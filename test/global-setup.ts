// Replaced by the server bring-up once the foundation lands.
export default function setup(): void {}
