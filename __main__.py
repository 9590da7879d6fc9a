from baocao.cli import main

raise SystemExit(main())
