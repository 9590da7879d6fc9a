from baocao.api.cli import main

raise SystemExit(main())
