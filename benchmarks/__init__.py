"""Side-by-side benchmarks of lette_fp against a raw ASGI app and peer frameworks."""
