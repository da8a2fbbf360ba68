import journal from './meta/_journal.json';
import m0000 from './0000_init.sql';
import m0001 from './0001_vault.sql';
import m0002 from './0002_auth_and_documents.sql';
import m0003 from './0003_tool_search.sql';
import m0004 from './0004_tool_search_titles.sql';
import m0005 from './0005_policy_self_approval.sql';
import m0006 from './0006_grant_destinations.sql';
import m0007 from './0007_toolkit_run_code.sql';
import m0008 from './0008_toolkit_routes.sql';
import m0009 from './0009_tool_search_routes.sql';
import m0010 from './0010_skills.sql';
import m0011 from './0011_module_authors.sql';
import m0012 from './0012_tool_search_features.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004,
m0005,
m0006,
m0007,
m0008,
m0009,
m0010,
m0011,
m0012
    }
  }
  