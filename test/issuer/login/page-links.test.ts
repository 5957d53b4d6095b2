import t from 'tap'
import { pageLinks } from '../../../src/issuer/login/page-links.js'

t.test('links the login page and its stylesheet by their paths in the public URL', async (t) => {
  t.same(pageLinks('http://127.0.0.1:8790/login'), { loginPage: '/login', stylesheet: '/login.css' })
})

t.test('keeps the issuer URL\'s path prefix, which a proxy that routes by it strips', async (t) => {
  t.same(pageLinks('https://auth.example.com/tenants/login'), { loginPage: '/tenants/login', stylesheet: '/tenants/login.css' })
})
