# Checks every option of every section with dnf's own parser: unknown names and bad values fail.
# dnf itself only warns (or says nothing) about them and exits 0, see docs/os-tools.md.
import sys
import libdnf.conf
import dnf.conf
import dnf.repo
bad = 0
for path in sys.argv[1:]:
    parser = libdnf.conf.ConfigParser()
    parser.read(path)
    data = parser.getData()
    for sec in data:
        repo = dnf.repo.Repo(sec, dnf.conf.Conf())
        for name in data[sec]:
            value = parser.getValue(sec, name)
            if not hasattr(repo._config, name):
                print("%s: [%s] unknown option %s" % (path, sec, name)); bad += 1; continue
            try:
                repo._config.optBinds().at(name).newString(libdnf.conf.Option.Priority_REPOCONFIG, value)
            except Exception as e:
                print("%s: [%s] %s=%s: %s" % (path, sec, name, value, e)); bad += 1
                continue
            print("ok [%s] %s=%s" % (sec, name, value))
sys.exit(1 if bad else 0)
