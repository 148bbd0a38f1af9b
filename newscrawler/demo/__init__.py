"""The bundled demo news site: content, templates, static build and a loopback server."""
