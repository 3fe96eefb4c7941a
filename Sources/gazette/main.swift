import Gazette
print(GazetteVersion.current)
