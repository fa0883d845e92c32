"""The bottom layer: plain Python every app may use, importing no app of the project."""
