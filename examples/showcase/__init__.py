"""The showcase: every example mounted under one App with a landing page (`make run`)."""
